/** Builds DOM nodes from data without innerHTML, so nothing the API returns can become markup. */
type Child = Node | string | false | null | undefined;
type Attributes = Record<string, string | boolean | undefined>;

export const h = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] => {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === true) element.setAttribute(name, '');
    else if (typeof value === 'string') element.setAttribute(name, value);
  }
  for (const child of children) {
    if (child === false || child === null || child === undefined) continue;
    element.append(child);
  }
  return element;
};

export const byId = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`The page has no element #${id}`);
  return element as T;
};

/** Text only a screen reader reads: the state an icon or colour shows to sighted users. */
export const visuallyHidden = (text: string): HTMLSpanElement =>
  h('span', { class: 'visually-hidden' }, text);
