import { describe, expect, it } from '@jest/globals';
import type { ArgumentMetadata } from '@nestjs/common';
import { IsString, MaxLength } from 'class-validator';
import { BadUserInputError } from './domain-errors.js';
import { HubValidationPipe } from './validation.js';

class Input {
  @IsString()
  @MaxLength(5)
  title: string;
}

class Model {
  id = 'r1';
  submittedAt = new Date();
}

const GRAPHQL_ROOT = 0 as unknown as ArgumentMetadata['type'];
const GRAPHQL_ARGS = 3 as unknown as ArgumentMetadata['type'];
const pipe = new HubValidationPipe();

describe('HubValidationPipe', () => {
  it('validates arguments and names the field', async () => {
    await expect(pipe.transform({ title: 'too long a title' }, { type: GRAPHQL_ARGS, metatype: Input, data: 'input' })).rejects.toBeInstanceOf(BadUserInputError);
    await expect(pipe.transform({ title: 'ok', extra: 1 }, { type: GRAPHQL_ARGS, metatype: Input, data: 'input' })).rejects.toMatchObject({
      extensions: { validationErrors: [expect.objectContaining({ field: 'input.extra' })] },
    });
  });

  it('leaves a field resolver’s parent alone: no copy, no validation, on every call', async () => {
    const parent = new Model();
    expect(await pipe.transform(parent, { type: GRAPHQL_ROOT, metatype: Model })).toBe(parent);
  });
});
