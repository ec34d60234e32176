import type { MailStrings } from '../templates/strings.js';

const es: MailStrings = {
  subject: ({ appName }) => `Tu código de acceso a ${appName}`,
  heading: ({ appName }) => `Inicia sesión en ${appName}`,
  intro: 'Introduce este código para completar el inicio de sesión:',
  lifetime: ({ minutes }) =>
    `El código es válido durante ${minutes} ${minutes === 1 ? 'minuto' : 'minutos'} y solo se puede usar una vez.`,
  phrase: 'Frase de seguridad — comprueba que coincide con la que aparece en la pantalla de inicio de sesión:',
  requestedFrom: ({ client, os, ip }) => `Solicitado desde ${client} en ${os}, IP ${ip}.`,
  notYou: 'Si no has sido tú, ignora este correo: nadie puede iniciar sesión sin el código.',
  unknown: { client: 'un navegador desconocido', os: 'un sistema desconocido', ip: 'desconocida' },
  link: {
    subject: ({ appName }) => `Tu enlace de acceso a ${appName}`,
    intro: 'Pulsa el botón para completar el inicio de sesión:',
    textIntro: 'Abre este enlace para completar el inicio de sesión:',
    button: ({ appName }) => `Iniciar sesión en ${appName}`,
    plainLink: 'O abre este enlace en tu navegador:',
    lifetime: ({ minutes }) =>
      `El enlace es válido durante ${minutes} ${minutes === 1 ? 'minuto' : 'minutos'} y solo se puede usar una vez.`,
    notYou: 'Si no has sido tú, ignora este correo: nadie puede iniciar sesión sin el enlace.',
  },
};

export default es;
