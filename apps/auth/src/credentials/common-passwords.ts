import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * The passwords people pick most, from breach corpora: the 49 000-entry list zxcvbn-ts ships
 * (`@zxcvbn-ts/language-common`, MIT), pinned in package.json, so the check needs no network
 * and cannot leak a password to a third party. Entries shorter than the minimum length are
 * refused anyway and left out.
 */
export function loadCommonPasswords(minLength: number): ReadonlySet<string> {
  return new Set(
    dictionary['passwords-common']
      .filter((password) => password.length >= minLength)
      .map((password) => password.normalize('NFKC').toLowerCase()),
  );
}
