export {
  type Appointment,
  type AppointmentDenial,
  appointmentDenial,
  COUNTY_STAFF_ROLES,
  PROVINCE_ROLES,
  requireAppointable,
  STAFF_ROLES,
} from "./appointment.ts";
export {
  type AccessResource,
  type Authorization,
  authorize,
  type DenialCode,
  requireAuthorized,
} from "./authorize.ts";
export {
  FIELD_VISIBILITY,
  fieldVisibility,
  PERSONAL_FIELDS,
  type PersonalField,
  type Visibility,
  visibleFields,
} from "./masking.ts";
export {
  ACTIONS,
  type Action,
  type Grant,
  grantsFor,
  type MakerChecker,
  PERMISSIONS,
  type Scope,
} from "./permissions.ts";
export { type Actor, isRole, ROLE_DESCRIPTIONS, ROLES, type Role, type RoleDescription } from "./roles.ts";
