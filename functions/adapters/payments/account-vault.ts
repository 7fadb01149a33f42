/**
 * Payees' bank account numbers at rest (DOMAIN §7): stored sealed (field-level envelope encryption,
 * functions/runtime/field-encryption.ts), found only by their keyed hash (HMAC with the payee hash
 * secret) and shown only as the stored tail (`accountMasked`). The plain number exists in memory
 * while a filing is taken and while the bank is instructed — never in an item.
 */
import { ACCOUNT_KEY } from "#functions/runtime/environment.ts";
import { FieldCipher, type FieldKeySource, keyWrapperFor } from "#functions/runtime/field-encryption.ts";
import { maskBankAccount } from "#functions/runtime/logger.ts";
import { PaymentRouteNeededError } from "./errors.ts";
import { hashAccount, normalizeAccount } from "./payee.ts";

/** What a case keeps of an account: never the number itself. */
export interface SealedAccount {
  accountMasked: string;
  /** HMAC-SHA-256 of the normalized number under the payee hash secret: the only way to search for it. */
  accountHash: string;
  /** The number, envelope-encrypted (`v1.…`). */
  accountSealed: string;
}

export interface AccountVault {
  /** Normalizes (digits only, 8–32), then seals, hashes and masks; throws a 400 on a malformed number. */
  seal(account: string): Promise<SealedAccount>;
  /** The number, for the bank instruction only. */
  open(stored: { accountSealed?: string; account?: string }): Promise<string>;
}

export function accountVault(keySource: () => FieldKeySource, hashSecret: () => string): AccountVault {
  let cipher: FieldCipher | undefined;
  const active = () => {
    cipher ??= new FieldCipher(keyWrapperFor(keySource()));
    return cipher;
  };
  return {
    async seal(account) {
      const digits = normalizeAccount(account);
      return {
        accountMasked: maskBankAccount(digits),
        accountHash: hashAccount(digits, hashSecret()),
        accountSealed: await active().seal(digits, ACCOUNT_KEY.purpose),
      };
    },
    async open(stored) {
      if (stored.accountSealed) return active().open(stored.accountSealed, ACCOUNT_KEY.purpose);
      // A case stored before accounts were sealed still pays; sealing it is the migration's job.
      if (stored.account) return stored.account;
      throw new PaymentRouteNeededError(
        "The case's bank account cannot be read: an officer must route the payment",
        "案件收款账户无法读取，需经办人重新指定发放方式",
      );
    },
  };
}
