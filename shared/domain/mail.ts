// An e-mail the service sends (shared/mail/send-mail.ts sends it): what the domain composes.
export interface Mail {
  readonly to: string;
  readonly subject: string;
  /** Plain text, UTF-8. */
  readonly text: string;
}
