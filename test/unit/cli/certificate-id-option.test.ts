import { describe, expect, it } from 'vitest';
import { certificateIdOption } from '../../../lib/cli/certificate-id-option.js';
import { InvalidOperationsOptionError } from '../../../lib/operations/errors.js';
import { expectJitrErrorSync } from '../../helpers/expect-jitr-error.js';

const ID = 'ab'.repeat(32);

describe('certificateIdOption (jitr status, reconcile, revocation sweep)', () => {
  it('returns the id by the one certificate-id rule', () => {
    expect(certificateIdOption('--ca', ID, 'ca')).toBe(ID);
  });

  it('refuses a CA id that is not one, naming the option, with the fix', () => {
    const error = expectJitrErrorSync(() => certificateIdOption('--ca', 'my-ca', 'ca'));
    expect(error).toBeInstanceOf(InvalidOperationsOptionError);
    expect(error.code).toBe('InvalidOperationsOption');
    expect(error.message).toBe('--ca: my-ca is not a CA certificate id');
    expect(error.remedy).toBe('Give --ca as the 64-hex id of the CA.');
  });

  it('words a device certificate id as such', () => {
    const error = expectJitrErrorSync(() => certificateIdOption('<certificateId>', `${ID}0`, 'certificate'));
    expect(error.message).toBe(`<certificateId>: ${ID}0 is not a certificate id`);
    expect(error.remedy).toBe('Give <certificateId> as the 64-hex certificate id.');
  });
});
