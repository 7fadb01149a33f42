export {
  DOCUMENT_NAMES_ZH,
  DOCUMENT_TYPES,
  type DocumentType,
  documentNumber,
  type IdentityDocument,
  IdentityDocumentSchema,
  parseIdentityDocument,
} from "./documents.ts";
export { attestedPersonKey, keyedHash, personKey } from "./keyedHash.ts";
export { maskBankAccount, maskIdNumber, maskName, maskPhone } from "./masking.ts";
export {
  checkResidentId,
  isValidResidentId,
  normalizeResidentId,
  type ResidentIdCheck,
  type ResidentIdProblem,
  residentIdCheckCharacter,
} from "./residentId.ts";
