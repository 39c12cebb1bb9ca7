import { defineErrors } from '../../../platform/errors.js';

/** Failure kinds of the lodging part. */
export const lodgingError = defineErrors({
  ROOM_TYPE_NOT_FOUND: { status: 404, message: 'The room type does not exist.' },
  ROOM_TYPE_EXISTS: { status: 409, message: 'A room type with this id already exists.' },
  ROOM_TYPE_INACTIVE: { status: 409, message: 'The room type is deactivated and sells nothing.' },
  NO_AVAILABILITY: { status: 409, message: 'No room of this type is available on every night of the stay.' },
  NOTHING_TO_RELEASE: { status: 409, message: 'There is no directly reserved room to release on every night of the stay.' },
  STAY_RULE_VIOLATED: { status: 400, message: 'The stay breaks a stay rule of this room type.' },
  CAPACITY_BELOW_RESERVED: { status: 409, message: 'The change would put a night’s capacity below what is already reserved.' },
  HOLD_NOT_LODGING: { status: 400, message: 'The hold is not a lodging hold.' },
  OPERATION_UUID_REUSED: { status: 409, message: 'This operation uuid was already used for another operation.' },
});
