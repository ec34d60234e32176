import type { MailStrings } from '../templates/strings.js';

const de: MailStrings = {
  subject: ({ appName }) => `Ihr Anmeldecode für ${appName}`,
  heading: ({ appName }) => `Bei ${appName} anmelden`,
  intro: 'Geben Sie diesen Code ein, um die Anmeldung abzuschließen:',
  lifetime: ({ minutes }) =>
    `Der Code ist ${minutes} ${minutes === 1 ? 'Minute' : 'Minuten'} lang gültig und kann nur einmal verwendet werden.`,
  phrase: 'Sicherheitsphrase – prüfen Sie, ob sie mit der auf der Anmeldeseite übereinstimmt:',
  requestedFrom: ({ client, os, ip }) => `Angefordert mit ${client} unter ${os}, IP-Adresse ${ip}.`,
  notYou: 'Falls Sie das nicht waren, ignorieren Sie diese E-Mail einfach: Ohne den Code kann sich niemand anmelden.',
  unknown: { client: 'einem unbekannten Browser', os: 'einem unbekannten System', ip: 'unbekannt' },
  link: {
    subject: ({ appName }) => `Ihr Anmeldelink für ${appName}`,
    intro: 'Klicken Sie auf die Schaltfläche, um die Anmeldung abzuschließen:',
    textIntro: 'Öffnen Sie diesen Link, um die Anmeldung abzuschließen:',
    button: ({ appName }) => `Bei ${appName} anmelden`,
    plainLink: 'Oder öffnen Sie diesen Link in Ihrem Browser:',
    lifetime: ({ minutes }) =>
      `Der Link ist ${minutes} ${minutes === 1 ? 'Minute' : 'Minuten'} lang gültig und kann nur einmal verwendet werden.`,
    notYou: 'Falls Sie das nicht waren, ignorieren Sie diese E-Mail einfach: Ohne den Link kann sich niemand anmelden.',
  },
};

export default de;
