/**
 * Instants in request bodies. The JSON Schema date-time format admits a leap second
 * (23:59:60), which no Date can hold: a route that turns such a field into a Date answers this
 * 400 at the field's path instead of failing with a RangeError (a 500).
 */
import { ServiceError } from '../errors.ts';

export function unholdableInstant(path: string): ServiceError {
  return new ServiceError('invalid_body', `"${path.slice(1).replaceAll('/', '.')}" is not an instant this service can hold`, [{ path, message: 'must be an ISO-8601 date-time (a leap second, :60, is not accepted)' }]);
}
