import { Injectable } from '@nestjs/common';
import { Algorithm, hash, verify } from '@node-rs/argon2';

/** OWASP's argon2id parameters: 19 MiB of memory, 2 iterations, parallelism 1. */
export const ARGON2_OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
export const MIN_PASSWORD_LENGTH = 12;

/** For start-up and seeding, outside dependency injection. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

@Injectable()
export class PasswordService {
  /** Verified against when the email is unknown, so that both failures take about as long. */
  private readonly dummyHash = hash('not-a-real-password-but-the-same-work', ARGON2_OPTIONS);

  hash(password: string): Promise<string> {
    return hashPassword(password);
  }

  async verify(passwordHash: string | null, password: string): Promise<boolean> {
    try {
      return await verify(passwordHash ?? (await this.dummyHash), password);
    } catch {
      return false;
    }
  }
}
