import type { MailStrings } from '../templates/strings.js';

// French typography: a no-break space (\u00a0) before ":"; 0 and 1 take the singular.
const fr: MailStrings = {
  subject: ({ appName }) => `Votre code de connexion à ${appName}`,
  heading: ({ appName }) => `Connexion à ${appName}`,
  intro: 'Saisissez ce code pour terminer la connexion\u00a0:',
  lifetime: ({ minutes }) =>
    `Ce code est valable ${minutes} ${minutes < 2 ? 'minute' : 'minutes'} et ne peut être utilisé qu’une seule fois.`,
  phrase: 'Phrase de sécurité — vérifiez qu’elle correspond à celle affichée sur l’écran de connexion\u00a0:',
  requestedFrom: ({ client, os, ip }) => `Demande effectuée depuis ${client} sous ${os}, adresse IP ${ip}.`,
  notYou: 'Si vous n’êtes pas à l’origine de cette demande, ignorez ce message\u00a0: personne ne peut se connecter sans le code.',
  unknown: { client: 'un navigateur inconnu', os: 'un système inconnu', ip: 'inconnue' },
  link: {
    subject: ({ appName }) => `Votre lien de connexion à ${appName}`,
    intro: 'Cliquez sur le bouton pour terminer la connexion\u00a0:',
    textIntro: 'Ouvrez ce lien pour terminer la connexion\u00a0:',
    button: ({ appName }) => `Se connecter à ${appName}`,
    plainLink: 'Ou ouvrez ce lien dans votre navigateur\u00a0:',
    lifetime: ({ minutes }) =>
      `Ce lien est valable ${minutes} ${minutes < 2 ? 'minute' : 'minutes'} et ne peut être utilisé qu’une seule fois.`,
    notYou: 'Si vous n’êtes pas à l’origine de cette demande, ignorez ce message\u00a0: personne ne peut se connecter sans le lien.',
  },
};

export default fr;
