/**
 * Errors shown the GOV.UK design-system way: each message next to its field (and tied to it with
 * aria-describedby), and a summary at the top that is announced, takes focus and links to every field.
 * Fields are found by `data-field`, the dotted path the API uses in problem+json (`insurance.coverAmountGbp`).
 */
import { h, visuallyHidden } from './dom.ts';

export interface FieldError {
  path: string;
  message: string;
}

const ERROR_TITLE_PREFIX = 'Error: ';

const isShown = (element: HTMLElement): boolean => element.closest('[hidden]') === null;

/** The wrapper of the field an error is about; an error about a group (`dbs`) goes to its first shown field. */
export const findField = (root: ParentNode, path: string): HTMLElement | undefined => {
  const exact = root.querySelector<HTMLElement>(`[data-field="${CSS.escape(path)}"]`);
  if (exact && isShown(exact)) return exact;
  return [...root.querySelectorAll<HTMLElement>(`[data-field^="${CSS.escape(`${path}.`)}"]`)].find(isShown);
};

const controlsOf = (field: HTMLElement): HTMLElement[] => [
  ...field.querySelectorAll<HTMLElement>('input, select, textarea'),
];

/** The element a screen reader reads the error with: the fieldset of a group, else the control itself. */
const describedElement = (field: HTMLElement): HTMLElement | undefined =>
  field instanceof HTMLFieldSetElement ? field : controlsOf(field)[0];

const errorId = (field: HTMLElement): string => `${field.dataset.field?.replaceAll('.', '-')}-error`;

export const clearFieldError = (field: HTMLElement): void => {
  const id = errorId(field);
  field.querySelector(`#${CSS.escape(id)}`)?.remove();
  field.classList.remove('field--error');
  for (const control of controlsOf(field)) control.removeAttribute('aria-invalid');
  const described = describedElement(field);
  const ids = described
    ?.getAttribute('aria-describedby')
    ?.split(' ')
    .filter((token) => token && token !== id);
  if (ids?.length) described?.setAttribute('aria-describedby', ids.join(' '));
  else described?.removeAttribute('aria-describedby');
};

export const showFieldError = (field: HTMLElement, message: string): void => {
  clearFieldError(field);
  const id = errorId(field);
  const error = h('p', { class: 'error-message', id }, visuallyHidden(ERROR_TITLE_PREFIX), message);
  const control = field.querySelector(':scope > .control, :scope > * > .control') ?? field.lastElementChild;
  control?.before(error);
  field.classList.add('field--error');
  for (const input of controlsOf(field)) input.setAttribute('aria-invalid', 'true');
  const described = describedElement(field);
  const ids = described?.getAttribute('aria-describedby')?.split(' ').filter(Boolean) ?? [];
  described?.setAttribute('aria-describedby', [...ids, id].join(' '));
};

const focusField = (field: HTMLElement): void => {
  // A grid (the week) is focused at its current cell, the one Tab would reach.
  const target =
    field.querySelector<HTMLElement>('[role="grid"] [tabindex="0"]') ??
    controlsOf(field).find((control) => !(control as HTMLInputElement).disabled);
  target?.focus({ preventScroll: true });
  // The label or legend says what the field is: scroll it into view with the control, not just the input.
  (field.querySelector('legend, label') ?? field).scrollIntoView({ block: 'start' });
};

export const clearErrors = (root: ParentNode, summary: HTMLElement): void => {
  for (const field of root.querySelectorAll<HTMLElement>('.field--error')) clearFieldError(field);
  summary.hidden = true;
  summary.querySelector('ul')?.replaceChildren();
  if (document.title.startsWith(ERROR_TITLE_PREFIX))
    document.title = document.title.slice(ERROR_TITLE_PREFIX.length);
};

/**
 * Shows the errors next to their fields (the first per field) and lists them all in the summary in page order;
 * an error whose field is not on the page (or `general`, a message with no field) is listed without a link.
 */
export const showErrors = (
  root: ParentNode,
  summary: HTMLElement,
  errors: FieldError[],
  general?: string,
): void => {
  clearErrors(root, summary);
  const located = errors.map((error) => ({ ...error, field: findField(root, error.path) }));
  located.sort((a, b) => {
    if (!a.field || !b.field) return a.field ? 1 : b.field ? -1 : 0;
    return a.field.compareDocumentPosition(b.field) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
  });
  const shown = new Set<HTMLElement>();
  const items: HTMLLIElement[] = general ? [h('li', {}, general)] : [];
  for (const { field, message } of located) {
    if (!field) {
      items.push(h('li', {}, message));
      continue;
    }
    if (shown.has(field)) continue;
    shown.add(field);
    showFieldError(field, message);
    const target = controlsOf(field)[0];
    const link = h('a', { href: `#${target?.id ?? ''}` }, message);
    link.addEventListener('click', (event) => {
      event.preventDefault();
      focusField(field);
    });
    items.push(h('li', {}, link));
  }
  summary.querySelector('ul')?.replaceChildren(...items);
  summary.hidden = false;
  document.title = `${ERROR_TITLE_PREFIX}${document.title}`;
  summary.focus();
  summary.scrollIntoView({ block: 'start' });
};
