import { Matches, type ValidationOptions } from 'class-validator';

/** E.164-like: a plus, digits and single spaces or dashes; 7–20 digits, at most 38 characters (columns are varchar(40)). */
export const PHONE_PATTERN = /^\+?[0-9](?:[ -]?[0-9]){5,18}$/;

/** At least one character that is not white space. */
export const NOT_BLANK = /\S/;

/** Codes of organisations and resource types: 2–50 capital letters, digits, - or _ (columns are varchar(50)). */
export const CODE_PATTERN = /^[A-Z0-9][A-Z0-9_-]{1,49}$/;

/** A phone number (PHONE_PATTERN); the message names the field. */
export function IsPhoneNumber(options: ValidationOptions = {}): PropertyDecorator {
  return Matches(PHONE_PATTERN, { message: '$property must be a phone number', ...options });
}

/** Refuses a string of only white space (a length limit alone lets "   " through). */
export function IsNotBlank(options: ValidationOptions = {}): PropertyDecorator {
  return Matches(NOT_BLANK, { message: '$property must not be blank', ...options });
}
