// The optional holder fields' allowed values: the request and response schemas, the web app's choices and
// the seed scripts all take them from here.
export const genders = ['female', 'male', 'other', 'undisclosed'] as const;
export const lifeSituations = [
  'employed',
  'unemployed',
  'student',
  'retired',
  'family-leave',
  'disability',
  'other',
  'undisclosed',
] as const;
