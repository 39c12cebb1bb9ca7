/** The failures of access control, each with its status and stable code (rendered by the one error handler). */
import { defineErrors } from '../errors.js';

export const authError = defineErrors({
  UNAUTHENTICATED: { status: 401, message: 'A valid bearer token or API key is required.' },
  INVALID_CREDENTIALS: { status: 401, message: 'The email or password is not correct.' },
  FORBIDDEN: { status: 403, message: 'Your role may not call this operation.' },
  TOO_MANY_LOGIN_FAILURES: { status: 429, message: 'Too many failed sign-ins; wait before trying again.' },
});
