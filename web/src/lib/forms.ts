/**
 * Small forms built in script (the staff pages, the status page's contract, availability and withdrawal forms):
 * fields named by the API's dotted paths, so a problem+json error lands next to the field it names.
 */
import type { z } from 'zod';
import { ApiError, NetworkError } from './api.ts';
import { h } from './dom.ts';
import { type FieldError, showErrors } from './field-errors.ts';

export const controlId = (path: string): string => path.replaceAll('.', '-');

/** The error summary a form's errors are listed in; it takes focus when they are shown. */
export const errorSummary = (): HTMLElement => {
  const titleId = `error-summary-title-${Math.random().toString(36).slice(2, 8)}`;
  return h(
    'div',
    { class: 'error-summary', role: 'alert', 'aria-labelledby': titleId, tabindex: '-1', hidden: true },
    h('h2', { class: 'error-summary__title', id: titleId }, 'There is a problem'),
    h('ul', { class: 'error-summary__list' }),
  );
};

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/** A labelled field: label, optional hint, the control (given the path's id). */
export const field = (path: string, label: string, control: Control, hint?: string): HTMLElement => {
  const id = controlId(path);
  control.id = id;
  control.name = path;
  control.classList.add('control');
  if (hint) control.setAttribute('aria-describedby', `${id}-hint`);
  return h(
    'div',
    { class: 'field', 'data-field': path },
    h('label', { for: id }, label),
    hint && h('p', { class: 'hint', id: `${id}-hint` }, hint),
    control,
  );
};

/** A single checkbox; its error goes above the box and its label, not between them. */
export const checkboxField = (path: string, label: string, hint?: string): HTMLElement => {
  const id = controlId(path);
  const input = h('input', { type: 'checkbox', id, name: path });
  if (hint) input.setAttribute('aria-describedby', `${id}-hint`);
  return h(
    'div',
    { class: 'field', 'data-field': path },
    h(
      'div',
      { class: 'checkbox control' },
      input,
      h('div', {}, h('label', { for: id }, label), hint && h('p', { class: 'hint', id: `${id}-hint` }, hint)),
    ),
  );
};

export const selectOf = (options: Record<string, string>, placeholder?: string): HTMLSelectElement =>
  h(
    'select',
    {},
    placeholder !== undefined && h('option', { value: '' }, placeholder),
    ...Object.entries(options).map(([value, label]) => h('option', { value }, label)),
  );

export const issuesToErrors = (issues: readonly z.core.$ZodIssue[]): FieldError[] =>
  issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));

/**
 * Sends a form's request; on failure shows the problem's field errors (or its detail) in `summary` and resolves
 * undefined. Anything else (a staff page's sign-in problem) is rethrown for the page to handle.
 */
export const sendForm = async <T>(
  root: ParentNode,
  summary: HTMLElement,
  request: () => Promise<T>,
  mapPath: (path: string) => string = (path) => path,
): Promise<T | undefined> => {
  try {
    return await request();
  } catch (error) {
    if (error instanceof NetworkError) {
      showErrors(root, summary, [], 'We could not reach the service. Check your connection and try again.');
      return undefined;
    }
    if (!(error instanceof ApiError)) throw error;
    const errors = (error.problem.errors ?? []).map((e) => ({ ...e, path: mapPath(e.path) }));
    showErrors(
      root,
      summary,
      errors,
      errors.length === 0 ? (error.problem.detail ?? error.problem.title) : undefined,
    );
    return undefined;
  }
};

/** Marks a button busy while `work` runs, so a second press does not send twice. */
export const whileBusy = async <T>(
  button: HTMLButtonElement,
  work: () => Promise<T>,
): Promise<T | undefined> => {
  if (button.getAttribute('aria-disabled') === 'true') return undefined;
  button.setAttribute('aria-disabled', 'true');
  try {
    return await work();
  } finally {
    button.removeAttribute('aria-disabled');
  }
};
