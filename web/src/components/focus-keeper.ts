// The keyboard's focus never falls to the page. Browsers drop it to <body> when the focused control is
// removed (a void button replaced by its confirmation, a row gone after a removal) or disabled (a button
// busy while its request runs); a keyboard or screen-reader user is then thrown back to the top. One
// watcher for the whole app, instead of a fix in every component:
// - a removed control: the focus goes to what took its place (the nearest control in the part of the page
//   that is still there), or to the heading of its section;
// - a disabled (busy) control: the focus waits on its section's heading and comes back to the control when
//   it works again;
// - in both cases a message that appeared meanwhile in that section (a refusal, role="alert", before a
//   notice, role="status") takes the focus, so it is read out and the user is where the answer is;
// - a refusal that answers a form just sent (by its button or Enter in a field), or a button just pressed,
//   takes the focus as well.
// Focus moved on purpose (a click elsewhere on the page, a component's own focus call) is left alone.

const messageSelector = '[role="alert"], [role="status"]';
const scopeSelector = 'section, article, dialog, [role="dialog"], main';
const controlSelector =
  'a[href], button, input:not([type="hidden"]), select, textarea, summary, [tabindex]:not([tabindex="-1"])';

/** The element the user (or a component) last focused, and its ancestors then: where it was. */
let lastFocused: HTMLElement | undefined;
let lastAncestors: HTMLElement[] = [];
/** Where the keeper put the focus while the control is busy or gone; cleared once anyone else moves it. */
let parkedAt: HTMLElement | undefined;
/** Messages shown or changed, and elements added, since the user last moved the focus. */
let freshMessages = new Set<HTMLElement>();
let freshNodes = new Set<HTMLElement>();
/** The section of a form just sent, until its answer comes or the user types or moves on. */
let awaitingAnswerIn: HTMLElement | undefined;
let movingFocus = false;
let scheduled = false;

const isDisabled = (element: HTMLElement) =>
  (element as HTMLButtonElement).disabled === true || element.closest('[inert], fieldset:disabled') !== null;
const isShown = (element: HTMLElement) => element.isConnected && element.getClientRects().length > 0;
/** Whether the focus can rest on the element now (it is on the page, shown and not disabled). */
const canHoldFocus = (element: HTMLElement) => isShown(element) && !isDisabled(element);
const hasText = (element: HTMLElement) => (element.textContent ?? '').trim() !== '';

/** Focuses an element, making a heading or a message focusable by script (tabindex -1) when it is not. */
export function moveFocus(element: HTMLElement, options?: FocusOptions): void {
  if (element.tabIndex < 0 && !element.hasAttribute('tabindex')) element.setAttribute('tabindex', '-1');
  element.focus(options);
}

/**
 * The keeper's own move: not a choice of the user's, so it does not end the wait for an answer. A parking
 * place is not scrolled to (the page would jump to a heading for the length of a request).
 */
function keeperFocus(element: HTMLElement, parking = false): void {
  movingFocus = true;
  try {
    moveFocus(element, { preventScroll: parking });
  } finally {
    movingFocus = false;
  }
}

function ancestorsOf(element: HTMLElement): HTMLElement[] {
  const chain: HTMLElement[] = [];
  for (let node = element.parentElement; node; node = node.parentElement) chain.push(node);
  return chain;
}

/** The nearest part of the page where the lost control was that is still on the page. */
const survivingAncestor = () => lastAncestors.find((node) => node.isConnected);

const headingOf = (scope: HTMLElement) =>
  scope.matches('main')
    ? (scope.querySelector<HTMLElement>('h1') ?? scope)
    : scope.querySelector<HTMLElement>('h1, h2, h3, h4, legend');

/** A refusal first, then a notice, shown since the user last moved the focus, inside the scope. */
function freshMessageIn(scope: HTMLElement): HTMLElement | undefined {
  const shown = [...freshMessages].filter(
    (message) => scope.contains(message) && isShown(message) && hasText(message),
  );
  return shown.find((message) => message.matches('[role="alert"]')) ?? shown[0];
}

function scopeOf(node: HTMLElement): HTMLElement {
  return node.closest<HTMLElement>(scopeSelector) ?? document.querySelector<HTMLElement>('main') ?? node;
}

const firstControlIn = (node: HTMLElement) =>
  node.matches(controlSelector) && canHoldFocus(node)
    ? node
    : [...node.querySelectorAll<HTMLElement>(controlSelector)].find(canHoldFocus);

/** A control that came in the place of the lost one (a confirmation's button, the button back after cancel). */
function addedControlIn(scope: HTMLElement): HTMLElement | undefined {
  // A whole page replaced (a sign-in step done, the page loaded): its heading, not its first field.
  if (scope.matches('main')) return undefined;
  for (const added of freshNodes) {
    if (!added.isConnected || !scope.contains(added)) continue;
    const control = firstControlIn(added);
    if (control) return control;
  }
  return undefined;
}

/** What takes the focus from a control that is gone: what replaced it nearby, else its section's heading. */
function replacementFor(start: HTMLElement, lost: HTMLElement): HTMLElement | undefined {
  const scope = scopeOf(start);
  // A heading or a message had it (a page's heading while the page was loading): the heading now there.
  if (!lost.matches(controlSelector)) {
    const heading = headingOf(scope);
    if (heading && isShown(heading)) return heading;
  }
  const added = addedControlIn(scope);
  if (added) return added;
  for (let node: HTMLElement | null = start; node && node !== document.body; node = node.parentElement) {
    if (node.matches(scopeSelector)) {
      const heading = headingOf(node);
      if (heading && isShown(heading)) return heading;
    } else {
      const control = firstControlIn(node);
      if (control && control !== node) return control;
    }
  }
  const main = document.querySelector<HTMLElement>('main');
  return main ? (headingOf(main) ?? main) : undefined;
}

function keepFocus(): void {
  scheduled = false;
  const active = document.activeElement as HTMLElement | null;
  const app = document.getElementById('app');
  const lost = !active || active === document.body || !canHoldFocus(active);
  if (lost) {
    // The user clicked the page itself, away from any control: that is where they want to be.
    if (!lastFocused || !app || !lastAncestors.includes(app) || canHoldFocus(lastFocused)) return;
    const where = lastFocused.isConnected ? lastFocused.parentElement : survivingAncestor();
    if (!where) return;
    const message = freshMessageIn(scopeOf(where));
    if (message) {
      settle(message);
      return;
    }
    // A busy control comes back: wait on its section's heading. A removed one does not: what replaced it.
    const heading = lastFocused.isConnected ? headingOf(scopeOf(where)) : undefined;
    const target = heading && isShown(heading) ? heading : replacementFor(where, lastFocused);
    if (!target) return;
    keeperFocus(target, true);
    parkedAt = target;
    return;
  }
  if (active === parkedAt && lastFocused) {
    // Waiting for the busy control: its answer, or the control itself once it works again.
    const where = lastFocused.isConnected ? lastFocused : survivingAncestor();
    if (!where) return;
    const message = freshMessageIn(scopeOf(where));
    const replaced = !lastFocused.isConnected && lastFocused.matches(controlSelector);
    const control = replaced ? addedControlIn(scopeOf(where)) : undefined;
    if (message) settle(message);
    else if (canHoldFocus(lastFocused)) settle(lastFocused);
    else if (control) settle(control);
    return;
  }
  const asked = awaitingAnswerIn ?? (active.matches('button') ? scopeOf(active) : undefined);
  if (asked && app?.contains(asked)) {
    const refusal = freshMessageIn(asked);
    if (refusal?.matches('[role="alert"]')) settle(refusal);
  }
}

/** The focus has arrived where it belongs: from here on it is the user's again. */
function settle(element: HTMLElement): void {
  keeperFocus(element);
  parkedAt = undefined;
  awaitingAnswerIn = undefined;
  lastFocused = element;
  lastAncestors = ancestorsOf(element);
  freshMessages = new Set();
  freshNodes = new Set();
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  // After the framework's render (the browser blurs a removed control before the change is reported), the
  // mutations noted, and the browser's own focus fix-up for a disabled control.
  setTimeout(keepFocus, 0);
  requestAnimationFrame(() => keepFocus());
}

function noteMessages(records: MutationRecord[]): void {
  // A page busy for long without the focus moving (a desk typing card after card) keeps only the recent.
  if (freshNodes.size > 500) freshNodes = new Set();
  for (const record of records) {
    const target = record.target instanceof Element ? record.target : record.target.parentElement;
    const around = target?.closest<HTMLElement>(messageSelector);
    if (around) freshMessages.add(around);
    for (const added of record.addedNodes) {
      if (!(added instanceof HTMLElement)) continue;
      freshNodes.add(added);
      if (added.matches(messageSelector)) freshMessages.add(added);
      for (const inner of added.querySelectorAll<HTMLElement>(messageSelector)) freshMessages.add(inner);
    }
  }
}

export function installFocusKeeper(root: HTMLElement): void {
  document.addEventListener('focusin', (event) => {
    if (movingFocus || !(event.target instanceof HTMLElement)) return;
    lastFocused = event.target;
    lastAncestors = ancestorsOf(event.target);
    parkedAt = undefined;
    awaitingAnswerIn = undefined;
    freshMessages = new Set();
    freshNodes = new Set();
  });
  document.addEventListener('focusout', schedule);
  // A refusal shown before the form was sent again is not its answer.
  document.addEventListener(
    'submit',
    (event) => {
      if (!(event.target instanceof HTMLElement)) return;
      awaitingAnswerIn = scopeOf(event.target);
      freshMessages = new Set();
      freshNodes = new Set();
    },
    true,
  );
  document.addEventListener('input', () => {
    awaitingAnswerIn = undefined;
  });
  new MutationObserver((records) => {
    noteMessages(records);
    schedule();
  }).observe(root, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
    attributeFilter: ['disabled', 'hidden', 'inert', 'class', 'role'],
  });
}
