import { FIELD_LABELS_ZH } from '../review.models.js';

/** The label cell of a field's row: its Chinese label and its contract name. */
export function FieldLabelCell(props: { name: string }) {
  return (
    <th>
      <label for={`field-${props.name}`}>
        {FIELD_LABELS_ZH[props.name] ?? ''} <code>{props.name}</code>
      </label>
    </th>
  );
}

/** A field's text input, named `field.<name>` as the review forms post it. */
export function FieldInput(props: { name: string; value: string; autocomplete?: 'off' }) {
  return (
    <input
      id={`field-${props.name}`}
      name={`field.${props.name}`}
      class="field-input"
      value={props.value}
      autocomplete={props.autocomplete}
    />
  );
}
