import { GraphQLRequestError } from '../../shared/request.js';

// Small DOM helpers: every element comes from index.html; nothing is built from HTML strings.

export function byId<T extends HTMLElement>(id: string, type: abstract new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`#${id} is missing from index.html`);
  return element;
}

const status = () => byId('status', HTMLParagraphElement);

/** Shows one step, hides the others, and moves focus into it (screen readers read where it lands). */
export function showStep(step: HTMLElement, focus?: HTMLElement): void {
  for (const section of document.querySelectorAll('main > section')) (section as HTMLElement).hidden = section !== step;
  focus?.focus();
}

/**
 * Polite announcement; the same text twice is announced twice. `visible` also shows it, for news the
 * page shows nowhere else (a log-out); otherwise it is for screen readers only.
 */
export function announce(text: string, { visible = false } = {}): void {
  const region = status();
  region.textContent = '';
  region.classList.toggle('visible', visible);
  requestAnimationFrame(() => (region.textContent = text));
}

/** An error in a role="alert" paragraph, tied to its field by aria-describedby in index.html. */
export function showError(target: HTMLElement, text: string, field?: HTMLInputElement): void {
  target.textContent = text;
  if (field) {
    field.setAttribute('aria-invalid', 'true');
    field.focus();
    field.select();
  }
}

export function clearError(target: HTMLElement, field?: HTMLInputElement): void {
  target.textContent = '';
  field?.removeAttribute('aria-invalid');
}

const waiting = new WeakMap<HTMLButtonElement, ReturnType<typeof setTimeout>>();

/** Whether the button is waiting for a countdown or an answer (aria-disabled keeps it focusable). */
export const isHeld = (button: HTMLButtonElement) => button.getAttribute('aria-disabled') === 'true';

export function hold(button: HTMLButtonElement, held: boolean): void {
  if (held) button.setAttribute('aria-disabled', 'true');
  else button.removeAttribute('aria-disabled');
}

const clock = (seconds: number) =>
  seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;

/**
 * Counts `seconds` down on the button ("Send code (0:42)"), which stays held until then; the tick is
 * not announced, the end is (`onDone`).
 */
function countDown(button: HTMLButtonElement, seconds: number, onDone: () => void): void {
  clearTimeout(waiting.get(button));
  const label = (button.dataset.label ??= button.textContent ?? '');
  const end = Date.now() + seconds * 1000;
  hold(button, true);
  const tick = () => {
    const left = Math.ceil((end - Date.now()) / 1000);
    if (left > 0) {
      button.textContent = `${label} (${clock(left)})`;
      waiting.set(button, setTimeout(tick, Math.min(1000, end - Date.now() - (left - 1) * 1000)));
      return;
    }
    button.textContent = label;
    waiting.delete(button);
    hold(button, false);
    onDone();
  };
  tick();
}

export const isCounting = (button: HTMLButtonElement) => waiting.has(button);

/** A RateLimitError: `text` in the error paragraph, the button counting down, then `done` announced. */
export function rateLimited(button: HTMLButtonElement, error: HTMLElement, retryAfter: number, text: string, done: string): void {
  showError(error, `${text} ${inWords(retryAfter)}.`);
  countDown(button, retryAfter, () => {
    clearError(error);
    announce(done);
  });
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const time = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });

/** Fills a <time> (or any element) with a DateTime of the API, in the user's time zone. */
export function showDate(target: HTMLElement, iso: string, only: 'time' | 'date-time' = 'date-time'): void {
  target.textContent = (only === 'time' ? time : dateTime).format(new Date(iso));
  if (target instanceof HTMLTimeElement) target.dateTime = iso;
}

export const formatDate = (iso: string) => dateTime.format(new Date(iso));

/** What to tell the user when the request failed outside the contract (see GraphQLRequestError). */
export function failureText(error: unknown): string {
  if (!(error instanceof GraphQLRequestError)) return 'Something went wrong in this page. Reload it and try again.';
  if (error.status === 0) return 'The sign-in service cannot be reached. Check your connection and try again.';
  return `Something went wrong on our side${error.requestId ? ` (reference ${error.requestId})` : ''}. Please try again.`;
}

/**
 * Runs `work` for a button: ignored while the button is held (a request in flight or a countdown),
 * held while it runs, and a failure outside the contract shown in `errorTarget`.
 */
export async function act(button: HTMLButtonElement, errorTarget: HTMLElement, work: () => Promise<void>): Promise<void> {
  if (isHeld(button)) return;
  if (status().classList.contains('visible')) announce(''); // yesterday's news ("logged out") goes
  hold(button, true);
  button.setAttribute('aria-busy', 'true');
  try {
    await work();
  } catch (error) {
    console.error(error);
    showError(errorTarget, failureText(error));
  } finally {
    button.removeAttribute('aria-busy');
    if (!isCounting(button)) hold(button, false);
  }
}

/** "42 seconds", "3 minutes": a wait as a sentence says it (the button shows the exact countdown). */
function inWords(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
