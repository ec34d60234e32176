import type { MailStrings } from '../templates/strings.js';

const en: MailStrings = {
  subject: ({ appName }) => `Your ${appName} login code`,
  heading: ({ appName }) => `Log in to ${appName}`,
  intro: 'Enter this code to finish logging in:',
  lifetime: ({ minutes }) => `The code works for ${minutes} ${minutes === 1 ? 'minute' : 'minutes'} and only once.`,
  phrase: 'Security phrase — check that it matches the one on the login screen:',
  requestedFrom: ({ client, os, ip }) => `Requested from ${client} on ${os}, IP ${ip}.`,
  notYou: 'If this was not you, ignore this mail: nobody can log in without the code.',
  unknown: { client: 'an unknown browser', os: 'an unknown system', ip: 'unknown' },
  link: {
    subject: ({ appName }) => `Your ${appName} login link`,
    intro: 'Click the button to finish logging in:',
    textIntro: 'Open this link to finish logging in:',
    button: ({ appName }) => `Log in to ${appName}`,
    plainLink: 'Or open this link in your browser:',
    lifetime: ({ minutes }) => `The link works for ${minutes} ${minutes === 1 ? 'minute' : 'minutes'} and only once.`,
    notYou: 'If this was not you, ignore this mail: nobody can log in without the link.',
  },
};

export default en;
