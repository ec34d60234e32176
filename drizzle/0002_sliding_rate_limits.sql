-- The fixed-window counters cannot be converted into sliding windows, and their keys hold plain email
-- addresses: the limits start afresh.
DELETE FROM "rate_limits";--> statement-breakpoint
CREATE TABLE "guess_decoys" (
	"slot" integer PRIMARY KEY NOT NULL,
	"writes" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
INSERT INTO "guess_decoys" ("slot") SELECT generate_series(0, 1023);--> statement-breakpoint
ALTER TABLE "rate_limits" ALTER COLUMN "expire" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "rate_limits" ADD COLUMN "hits" timestamp with time zone[] NOT NULL;--> statement-breakpoint
ALTER TABLE "rate_limits" DROP COLUMN "points";--> statement-breakpoint
-- Counts one call against every limit of `p_limits` ([{key, points, seconds}]; none: `[]`) at `p_now`,
-- or against none: answers 0 when the call was counted, otherwise the seconds until every refusing limit lets a
-- call through again. A limit counts a call only when fewer than `points` of its key's hits are newer
-- than `p_now - seconds`, so no window of `seconds`, wherever it starts, holds more than `points`.
-- A refused call changes nothing, and no count can go below zero: hits only age out.
-- Each key's hits are stamped in the order the calls are counted (under the key's row lock), never
-- earlier than the key's newest hit: an instance whose clock lags, or a call that waited in a queue
-- after reading the time, cannot slip a hit in behind newer ones and stretch a window.
CREATE FUNCTION otpql_rate_limit(p_limits jsonb, p_now timestamptz) RETURNS double precision
LANGUAGE plpgsql AS $$
DECLARE
  wait double precision;
  locked integer;
BEGIN
  IF jsonb_array_length(p_limits) = 0 THEN
    RETURN 0;
  END IF;
  FOR pass IN 1..2 LOOP
    IF pass = 2 THEN
      -- Lock every key's row, in key order so that calls sharing keys cannot deadlock, then look
      -- again: the first pass read a snapshot without locks. A row the cleanup (or a forgiving
      -- login) deletes between our insert and our lock is inserted again, so no count is lost.
      LOOP
        INSERT INTO rate_limits (key, hits, expire)
          SELECT i.key, '{}', p_now FROM jsonb_to_recordset(p_limits) AS i(key text) ORDER BY i.key
          ON CONFLICT (key) DO NOTHING;
        SELECT count(*) INTO locked FROM (
          SELECT 1 FROM rate_limits r
          WHERE r.key IN (SELECT i.key FROM jsonb_to_recordset(p_limits) AS i(key text))
          ORDER BY r.key FOR UPDATE
        ) rows;
        EXIT WHEN locked = jsonb_array_length(p_limits);
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
