import { describe, expect, it } from '@jest/globals';
import { isPublicAddress, RefusedAddressError, resolveAllowed } from './address-guard.js';

describe('webhook address guard', () => {
  it.each([
    '127.0.0.1',
    '127.8.9.10',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '0.0.0.0',
    '100.64.0.1',
    '::1',
    '::',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:a9fe:a9fe',
    '64:ff9b::169.254.169.254',
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each(['93.184.216.34', '172.32.0.1', '8.8.8.8', '2001:4860:4860::8888', '::ffff:8.8.8.8'])('allows %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it('refuses a literal private host unless allowed, and a name that does not resolve', async () => {
    await expect(resolveAllowed('169.254.169.254', false)).rejects.toBeInstanceOf(RefusedAddressError);
    await expect(resolveAllowed('[::1]', false)).rejects.toBeInstanceOf(RefusedAddressError);
    await expect(resolveAllowed('127.0.0.1', true)).resolves.toEqual([{ address: '127.0.0.1', family: 4 }]);
    await expect(resolveAllowed('no-such-host.invalid', true)).rejects.toBeInstanceOf(RefusedAddressError);
  });

  it('refuses a name that resolves to loopback', async () => {
    await expect(resolveAllowed('localhost', false)).rejects.toThrow(/loopback, private/);
  });
});
