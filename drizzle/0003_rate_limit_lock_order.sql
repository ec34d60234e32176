-- otpql_rate_limit() of 0002, with its keys locked in one order. 0002 inserted every missing key, then
-- locked them all: a key inserted took its row before the keys ordered before it were locked, so two
-- concurrent calls sharing keys could each hold one the other waited for.
CREATE OR REPLACE FUNCTION otpql_rate_limit(p_limits jsonb, p_now timestamptz) RETURNS double precision
LANGUAGE plpgsql AS $$
DECLARE
  wait double precision;
  limit_key text;
BEGIN
  IF jsonb_array_length(p_limits) = 0 THEN
    RETURN 0;
  END IF;
  FOR pass IN 1..2 LOOP
    IF pass = 2 THEN
      -- Lock every key's row, one key after the other in one fixed order ("C" collation), then look
      -- again: the first pass read a snapshot without locks. Inserting a missing key takes its row as
      -- surely as locking it does, so each key is inserted and locked before the next one is touched:
      -- inserting every key first and locking them afterwards took keys out of order, and two calls
      -- sharing keys then waited on each other until the lock timeout (seen under 30 concurrent
      -- guesses). A row the cleanup (or a forgiving login) deletes between the insert and the lock is
      -- inserted again, so no count is lost.
      FOR limit_key IN SELECT DISTINCT i.key COLLATE "C" FROM jsonb_to_recordset(p_limits) AS i(key text) ORDER BY 1 LOOP
        LOOP
          INSERT INTO rate_limits (key, hits, expire) VALUES (limit_key, '{}', p_now) ON CONFLICT (key) DO NOTHING;
          PERFORM 1 FROM rate_limits r WHERE r.key = limit_key FOR UPDATE;
          EXIT WHEN FOUND;
        END LOOP;
      END LOOP;
    END IF;
    -- Pass 1 refuses without taking a lock: hits are only ever added (and leave with age), so a key
    -- seen full in any snapshot is full now, and a flood of refused calls neither writes nor queues.
    SELECT coalesce(max(extract(epoch FROM s.live[cardinality(s.live) - s.points + 1] + s.span - s.at)), 0)
      INTO wait
      FROM (
        SELECT i.points, k.at, make_interval(secs => i.seconds) AS span,
               ARRAY(SELECT h FROM unnest(r.hits) h WHERE h > k.at - make_interval(secs => i.seconds) ORDER BY h) AS live
        FROM jsonb_to_recordset(p_limits) AS i(key text, points integer, seconds double precision)
        JOIN rate_limits r ON r.key = i.key
        CROSS JOIN LATERAL (SELECT greatest(p_now, max(h)) AS at FROM unnest(r.hits) h) k
      ) s
      WHERE cardinality(s.live) >= s.points;
    IF wait > 0 THEN
      RETURN wait;
    END IF;
  END LOOP;
  -- Keep the newest `points` live hits, this call's included: older ones can never matter again.
  UPDATE rate_limits r
    SET (hits, expire) = (
      SELECT ARRAY(
               SELECT h FROM (
                 SELECT h FROM unnest(r.hits || k.at) h
                 WHERE h > k.at - make_interval(secs => i.seconds)
                 ORDER BY h DESC LIMIT i.points
               ) newest ORDER BY h),
             greatest(r.expire, k.at + make_interval(secs => i.seconds))
      FROM (SELECT greatest(p_now, max(h)) AS at FROM unnest(r.hits) h) k)
    FROM jsonb_to_recordset(p_limits) AS i(key text, points integer, seconds double precision)
    WHERE r.key = i.key;
  RETURN 0;
END
$$;
