import { describe, expect, it } from 'vitest';
import { errorText } from './error-text-es';

const sent = { message: 'The code was not scanned in time.', next_step: 'Please start again when you are ready.' };

describe('error text by language', () => {
  it('shows the core’s English sentences as sent', () => {
    expect(errorText('en', 'timeout', sent)).toBe(sent);
  });
  it('shows a known code in Spanish', () => {
    expect(errorText('es', 'timeout', sent).message).toBe('El código no se escaneó a tiempo.');
  });
  it('says in Spanish that a daily cash cap was reached (kiosk and fleet)', () => {
    expect(errorText('es', 'kiosk_daily_cap_reached', sent).message).toBe('Este cajero ya entregó todo el efectivo permitido por hoy.');
    expect(errorText('es', 'fleet_daily_cap_reached', sent).next_step).toMatch(/No se cobró nada/);
  });
  it('falls back to the sent sentences for a code it does not know', () => {
    expect(errorText('es', 'hopper_new_fault', sent)).toBe(sent);
  });
});
