import { describe, expect, it } from '@jest/globals';
import { newWebhookSecret, signature, signatureHeader, verifySignature } from './webhook-signature.js';

describe('webhook signatures', () => {
  const body = '{"deliveryId":"d","type":"SITUATION_REPORT_SUBMITTED"}';
  const now = 1_800_000_000;

  it('verifies with the current or the previous secret during an overlap, and not with another', () => {
    const current = newWebhookSecret();
    const previous = newWebhookSecret();
    const header = signatureHeader([current, previous], now, body);
    expect(header).toMatch(/^t=1800000000,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expect(verifySignature(current, header, body, now)).toBe(true);
    expect(verifySignature(previous, header, body, now)).toBe(true);
    expect(verifySignature(newWebhookSecret(), header, body, now)).toBe(false);
  });

  it('refuses a changed body, an old timestamp and a malformed header', () => {
    const secret = newWebhookSecret();
    const header = signatureHeader([secret], now, body);
    expect(verifySignature(secret, header, body.replace('d', 'e'), now)).toBe(false);
    expect(verifySignature(secret, header, body, now + 301)).toBe(false);
    expect(verifySignature(secret, `t=${now},v1=abc`, body, now)).toBe(false);
    expect(verifySignature(secret, `v1=${signature(secret, now, body)}`, body, now)).toBe(false);
  });
});
