import { LogIn, SendCode } from '../../shared/operations.js';
import { assertNever, request } from '../../shared/request.js';
import { initAccount, showAccount } from './account.js';
import { endpointFor } from './endpoint.js';
import { initLinkSending, openLinkFromAddress } from './link.js';
import { act, announce, byId, clearError, rateLimited, showDate, showError, showStep } from './ui.js';

const api = endpointFor(new URL(location.href));

const emailStep = byId('step-email', HTMLElement);
const emailForm = byId('email-form', HTMLFormElement);
const emailInput = byId('email', HTMLInputElement);
const emailError = byId('email-error', HTMLParagraphElement);
const sendButton = byId('send', HTMLButtonElement);

const codeStep = byId('step-code', HTMLElement);
const codeForm = byId('code-form', HTMLFormElement);
const codeInput = byId('code', HTMLInputElement);
const codeError = byId('code-error', HTMLParagraphElement);
const signInButton = byId('sign-in', HTMLButtonElement);
const resendButton = byId('resend', HTMLButtonElement);
const phraseBox = byId('phrase-box', HTMLDivElement);

/** The login under way: createSession needs the userId that createEmailToken answered. */
let pending: { email: string; userId: string } | null = null;

function signedOut(message: string): void {
  pending = null;
  clearError(emailError, emailInput);
  showStep(emailStep, emailInput);
  announce(message, { visible: true });
}

/** createEmailToken, from the email step or "Send a new code"; true when a code is on its way. */
async function sendCode(email: string, button: HTMLButtonElement, error: HTMLElement, field?: HTMLInputElement): Promise<boolean> {
  const result = (await request(api, SendCode, { email })).createEmailToken;
  switch (result.__typename) {
    case 'Token':
      pending = { email, userId: result.userId };
      byId('sent-to', HTMLElement).textContent = email;
      showDate(byId('expire', HTMLTimeElement), result.expire, 'time');
      byId('phrase', HTMLParagraphElement).textContent = result.phrase ?? '';
      phraseBox.hidden = !result.phrase;
      return true;
    case 'RateLimitError':
      // Nothing changed: the code sent earlier is still the one to use, so say so when there is one.
      if (pending?.email === email) {
        rateLimited(button, error, result.retryAfter, 'The code in the last mail was not replaced. You can ask for a new one in', 'You can ask for a new code now.');
      } else {
        rateLimited(button, error, result.retryAfter, 'Too many codes were asked for this address. You can ask again in', 'You can ask for a code again.');
      }
      return false;
    case 'ValidationError':
      showError(error, 'Enter a valid email address, like name@example.com.', field);
      return false;
    case 'UserBlockedError':
      showError(error, 'This account is blocked, so no code was sent. Contact support if you think this is a mistake.');
      return false;
    case 'UserConflictError': // only for a chosen userId; this page always sends unique()
      showError(error, result.message);
      return false;
    default:
      return assertNever(result);
  }
}

emailForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void act(sendButton, emailError, async () => {
    clearError(emailError, emailInput);
    const email = emailInput.value.trim();
    if (!email || !emailInput.checkValidity()) {
      return showError(emailError, 'Enter your email address, like name@example.com.', emailInput);
    }
    if (!(await sendCode(email, sendButton, emailError, emailInput))) return;
    codeInput.value = '';
    clearError(codeError, codeInput);
    showStep(codeStep, codeInput);
    announce(`Code sent to ${email}.`);
  });
});

// One field for the whole code: typed, pasted ("123 456", "Code: 123456") or filled in by the
// system from the mail (autocomplete="one-time-code"); anything but digits is dropped.
codeInput.addEventListener('input', () => {
  const digits = codeInput.value.replace(/\D/g, '');
  if (digits !== codeInput.value) codeInput.value = digits;
});

codeForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void act(signInButton, codeError, async () => {
    clearError(codeError, codeInput);
    if (!pending) return showStep(emailStep, emailInput);
    const secret = codeInput.value;
    if (!secret) return showError(codeError, 'Type the code from the mail.', codeInput);
    const result = (await request(api, LogIn, { userId: pending.userId, secret })).createSession;
    switch (result.__typename) {
      case 'Session':
        // The cookie now carries the session: the secret in the answer is not kept anywhere.
        pending = null;
        if (!(await showAccount(api, signedOut))) signedOut('Your browser did not keep the session cookie.');
        return announce('You are signed in.');
      case 'InvalidTokenError':
        return showError(codeError, 'That code is wrong or has expired. Check that it comes from the newest mail, or send a new code.', codeInput);
      case 'RateLimitError':
        return rateLimited(signInButton, codeError, result.retryAfter, 'Too many attempts. You can try again in', 'You can try the code again.');
      case 'UserBlockedError':
        return showError(codeError, 'This account is blocked: it cannot sign in. Contact support if you think this is a mistake.');
      case 'ValidationError':
        return showError(codeError, 'The code is made of digits only: type it as the mail shows it.', codeInput);
      default:
        return assertNever(result);
    }
  });
});

resendButton.addEventListener('click', () => {
  void act(resendButton, codeError, async () => {
    clearError(codeError, codeInput);
    if (!pending) return showStep(emailStep, emailInput);
    if (!(await sendCode(pending.email, resendButton, codeError))) return;
    codeInput.value = '';
    codeInput.focus();
    announce('A new code is on its way; the code from an earlier mail no longer works. Check the phrase in the new mail.');
  });
});

byId('other-email', HTMLButtonElement).addEventListener('click', () => {
  pending = null;
  showStep(emailStep, emailInput);
});

initAccount(api, signedOut);
const linkDeps = { api, signedOut, emailStep, emailInput, emailError };
initLinkSending(linkDeps);

// Opened from a login link's mail: "Sign in as …" and a button. Otherwise a session cookie from an
// earlier visit goes straight to the account.
if (!openLinkFromAddress(linkDeps)) {
  void act(sendButton, emailError, async () => {
    await showAccount(api, signedOut, false);
  });
}
