// The holder data a card keeps, and nothing more: birth year, postal code, children under 18, and
// optionally gender and life situation for statistics. Never a name, an identity code or an address.

import { genders, lifeSituations } from '../../../shared/contract/holder.ts';
import { Field, Select } from '../components/field.tsx';
import { Stepper } from '../components/stepper.tsx';
import { useT } from '../i18n/i18n.ts';

export interface Holder {
  birthYear: string;
  postalCode: string;
  minorChildren: number;
  gender: (typeof genders)[number] | '';
  lifeSituation: (typeof lifeSituations)[number] | '';
}

const oneOf = <T extends string>(values: readonly T[], value: string): T | '' =>
  (values as readonly string[]).includes(value) ? (value as T) : '';

export const noHolder: Holder = {
  birthYear: '',
  postalCode: '',
  minorChildren: 0,
  gender: '',
  lifeSituation: '',
};

export const postalCodeProblem = (value: string) =>
  value === '' || /^\d{5}$/.test(value) ? undefined : 'postal';

export function HolderFields(props: {
  value: Holder;
  onChange: (holder: Holder) => void;
  withBirthYear: boolean;
}) {
  const t = useT();
  const { value, onChange } = props;
  return (
    <>
      {props.withBirthYear && (
        <Field
          label={t('card.birthYear')}
          type="number"
          inputMode="numeric"
          required
          min={1900}
          max={new Date().getFullYear() - 16}
          value={value.birthYear}
          onValue={(birthYear) => onChange({ ...value, birthYear })}
          hint={t('card.birthYearHint')}
        />
      )}
      <Field
        label={t('card.postalCode')}
        inputMode="numeric"
        required
        pattern="[0-9]{5}"
        maxLength={5}
        value={value.postalCode}
        onValue={(postalCode) => onChange({ ...value, postalCode })}
        problem={postalCodeProblem(value.postalCode) && t('card.postalCodeProblem')}
      />
      <Stepper
        label={t('card.minorChildren')}
        value={value.minorChildren}
        min={0}
        max={20}
        onChange={(minorChildren) => onChange({ ...value, minorChildren })}
        decreaseLabel={t('desk.fewerChildren')}
        increaseLabel={t('desk.moreChildren')}
      />
      <Select
        label={t('card.gender')}
        value={value.gender}
        onValue={(gender) => onChange({ ...value, gender: oneOf(genders, gender) })}
        options={[
          { value: '', label: t('card.notGiven') },
          ...genders.map((gender) => ({ value: gender, label: t(`gender.${gender}`) })),
        ]}
      />
      <Select
        label={t('card.lifeSituation')}
        value={value.lifeSituation}
        onValue={(lifeSituation) =>
          onChange({ ...value, lifeSituation: oneOf(lifeSituations, lifeSituation) })
        }
        options={[
          { value: '', label: t('card.notGiven') },
          ...lifeSituations.map((situation) => ({
            value: situation,
            label: t(`lifeSituation.${situation}`),
          })),
        ]}
      />
    </>
  );
}
