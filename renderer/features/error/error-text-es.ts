/**
 * Spanish text for the error codes the core sends (main/kiosk/error-messages.ts). The core's English
 * sentence is shown as sent; in Spanish a known code is shown from here, an unknown one as sent.
 */
export interface ErrorText {
  message: string;
  next_step: string;
}

export const ERRORS_ES: Readonly<Record<string, ErrorText>> = {
  offline: { message: 'El cajero no tiene conexión en este momento.', next_step: 'Intente de nuevo en unos minutos. No se cobró nada.' },
  not_enrolled: { message: 'Este cajero aún no está configurado.', next_step: 'Pida ayuda al personal.' },
  hopper: { message: 'El dispensador de monedas necesita atención.', next_step: 'Intente más tarde o pida ayuda al personal.' },
  empty: { message: 'El cajero no tiene suficientes monedas para ese monto.', next_step: 'Elija un monto menor.' },
  busy: { message: 'El cajero está ocupado con otro retiro.', next_step: 'Espere un momento e intente de nuevo.' },
  maintenance: { message: 'El cajero está cerrado por mantenimiento.', next_step: 'Vuelva pronto. No se cobró nada.' },
  admin_open: { message: 'Un técnico está trabajando en este cajero.', next_step: 'Vuelva en unos minutos. No se cobró nada.' },
  payment_timeout: { message: 'El pago no llegó a tiempo.', next_step: 'Esta operación ya no entrega monedas. Si su pago aún se confirma, el importe completo queda a su favor: retírelo en cualquier RoluATM escaneando con World App («Retirar monedas que se le deben»). Si no, no se cobró nada.' },
  payment_confirm_timeout: {
    message: 'Su pago no se confirmó a tiempo.',
    next_step: 'Aquí no salen monedas por él. Cuando World App lo confirme, el importe completo queda a su favor: retírelo en cualquier RoluATM escaneando con World App («Retirar monedas que se le deben»).',
  },
  collect_timeout: { message: 'Sus monedas no salieron a tiempo.', next_step: 'Aquí no se pagó nada y las monedas siguen a su favor: retírelas en cualquier RoluATM escaneando con World App («Retirar monedas que se le deben»).' },
  nothing_owed: { message: 'Este World ID no tiene monedas a su favor.', next_step: 'No se pagó ni se cobró nada.' },
  payment_failed: { message: 'El pago en World App no se completó.', next_step: 'Empiece de nuevo. No se pagaron monedas ni se cobró nada.' },
  payment_invalid: { message: 'El pago no corresponde a este retiro.', next_step: 'Pida ayuda al personal. No se pagará nada por él.' },
  amount_out_of_range: { message: 'Ese monto está fuera de lo que paga este cajero.', next_step: 'Elija un monto dentro de los límites indicados.' },
  limit_reached: { message: 'Este World ID llegó a su límite diario de retiros.', next_step: 'Cada persona puede retirar unas pocas veces y hasta un monto por día. Pruebe un monto menor o vuelva mañana. No se cobró nada.' },
  kiosk_daily_cap_reached: { message: 'Este cajero ya entregó todo el efectivo permitido por hoy.', next_step: 'Pruebe un monto menor, otro cajero, o vuelva mañana. No se cobró nada.' },
  fleet_daily_cap_reached: { message: 'Los cajeros ya entregaron todo el efectivo permitido por hoy.', next_step: 'Pruebe un monto menor o vuelva mañana. No se cobró nada.' },
  proof_invalid: { message: 'World ID no pudo confirmar esta verificación.', next_step: 'Empiece de nuevo y escanee el nuevo código con World App.' },
  signal_mismatch: { message: 'Esa verificación pertenece a otro retiro.', next_step: 'Empiece de nuevo y escanee el nuevo código.' },
  action_mismatch: { message: 'Esa verificación era para otra aplicación.', next_step: 'Empiece de nuevo y escanee el nuevo código.' },
  credential_not_accepted: {
    message: 'Este cajero solo paga a un World ID verificado con el Orb.',
    next_step: 'Verifique su World ID en un Orb (World App le muestra dónde hay uno) y empiece de nuevo. No se cobró nada.',
  },
  environment_not_accepted: { message: 'Este cajero está configurado con una aplicación de World ID de prueba.', next_step: 'Pida ayuda al personal. No se cobró nada.' },
  nonce_invalid: { message: 'Esa verificación ya se usó o es demasiado antigua.', next_step: 'Empiece de nuevo y escanee el nuevo código.' },
  nullifier_used: { message: 'Este World ID ya se usó para este retiro.', next_step: 'Empiece un retiro nuevo.' },
  transaction_expired: { message: 'Este retiro tardó demasiado y venció.', next_step: 'Empiece de nuevo. No se cobró nada.' },
  transaction_state: { message: 'Este retiro no puede continuar.', next_step: 'Empiece de nuevo.' },
  timeout: { message: 'El código no se escaneó a tiempo.', next_step: 'Empiece de nuevo cuando esté listo.' },
  user_rejected: { message: 'La verificación fue rechazada en World App.', next_step: 'Empiece de nuevo si quiere retirar.' },
  verification_rejected: { message: 'La verificación fue rechazada en World App.', next_step: 'Empiece de nuevo si quiere retirar.' },
  max_verifications_reached: { message: 'Llegó a su límite de retiros por ahora.', next_step: 'Vuelva más tarde.' },
  connection_failed: { message: 'El cajero no puede comunicarse con World ID en este momento.', next_step: 'Intente de nuevo en unos minutos. No se cobró nada.' },
  request_failed: { message: 'El cajero no pudo iniciar la verificación de World ID.', next_step: 'Intente de nuevo o pida ayuda al personal.' },
  partial_payout: { message: 'El cajero no pudo pagar todas sus monedas.', next_step: 'Las monedas que se le deben quedan registradas a su World ID.' },
  payout_failed: { message: 'El cajero no pudo pagar sus monedas.', next_step: 'Sus monedas quedan registradas a su favor en su World ID.' },
  payout_waiting: { message: 'El dispensador de monedas necesita un técnico antes de poder pagarle.', next_step: 'Su pago está registrado. Espere aquí: se avisó al personal. Si se va, las monedas quedan a su favor: retírelas en cualquier RoluATM escaneando con World App («Retirar monedas que se le deben»).' },
  payout_in_doubt: { message: 'El cajero perdió contacto con el dispensador durante su pago.', next_step: 'Lo pagado se está verificando con el dispensador. Las monedas no pagadas quedan a su favor: retírelas en cualquier RoluATM escaneando con World App («Retirar monedas que se le deben»).' },
};

/** The error's sentences in `lang`: English as the core sent them; Spanish from ERRORS_ES when the code is known. */
export function errorText(lang: string, code: string, sent: ErrorText): ErrorText {
  if (lang !== 'es') return sent;
  return Object.hasOwn(ERRORS_ES, code) ? (ERRORS_ES[code] as ErrorText) : sent;
}
