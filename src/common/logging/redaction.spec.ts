import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import pino from 'pino';
import { REDACTED_PATHS } from './hub-logger.js';

describe('log redaction', () => {
  it('keeps passwords, tokens and keys out of log lines', () => {
    let out = '';
    const sink = new Writable({ write: (chunk, _enc, done) => ((out += String(chunk)), done()) });
    const log = pino({ redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink);
    log.info({
      req: { headers: { authorization: 'Bearer eyJhbGciOi.secret', 'x-api-key': 'shk_live_abcdef', cookie: 'sid=1' } },
      variables: { password: 'correct horse battery', refreshToken: 'rt-123', secret: 'shk_x' },
      input: { newPassword: 'n3w-passw0rd!!', currentPassword: 'old-passw0rd!!' },
    });
    for (const secret of ['eyJhbGciOi.secret', 'shk_live_abcdef', 'sid=1', 'correct horse', 'rt-123', 'shk_x', 'n3w-passw0rd', 'old-passw0rd']) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain('[redacted]');
  });
});
