/**
 * The sender domain of a stage without a domain of its own, and of the local service: SES in AWS has no such
 * identity (its mail is refused and logged); the local stand-in accepts exactly this one.
 */
export const localMailDomain = 'kaikukortti.localhost';
