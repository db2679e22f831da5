import type { ErrorKind } from '../../../contract/error-kinds';
import type { StringKey } from '../../i18n/strings-en';

/** The catalog keys of an error kind's headline and next step (every kind has both in every language: the type checks it). */
export function errorKeys(kind: ErrorKind): { title: StringKey; body: StringKey } {
  return { title: `error.${kind}.title`, body: `error.${kind}.body` };
}
