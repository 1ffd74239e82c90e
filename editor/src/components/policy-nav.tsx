/**
 * The head of a policy's screens: the breadcrumb back to the policies, the title, and the
 * tabs between its screens (edit, simulate, schedule, history, decisions). Plain links: each screen has
 * its own URL, so the browser's back button and a new tab work.
 */
import type { ComponentChildren, JSX } from 'preact';

export type PolicyTab = 'edit' | 'simulate' | 'schedule' | 'history' | 'decisions';

const TABS: Array<{ tab: PolicyTab; label: string; suffix: string }> = [
  { tab: 'edit', label: 'Document', suffix: '' },
  { tab: 'simulate', label: 'Simulate', suffix: '/simulate' },
  { tab: 'schedule', label: 'Schedule', suffix: '/schedule' },
  { tab: 'history', label: 'Versions', suffix: '/history' },
  { tab: 'decisions', label: 'Decisions', suffix: '/decisions' },
];

export function policyHref(policy: string, tab: PolicyTab): string {
  return `/policies/${encodeURIComponent(policy)}${TABS.find((t) => t.tab === tab)!.suffix}`;
}

export function linkTo(navigate: (path: string) => void, href: string) {
  return (e: MouseEvent) => {
    if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return; // a new tab or window: the browser's
    e.preventDefault();
    navigate(href);
  };
}

interface Props {
  policy: string;
  title?: string;
  current: PolicyTab;
  navigate(path: string): void;
  /** Right-hand side of the head (actions, status). */
  children?: ComponentChildren;
  /** False for a key that can use none of the screens (a decider). */
  tabs?: boolean;
}

export function PolicyHead({ policy, title, current, navigate, children, tabs = true }: Props): JSX.Element {
  return (
    <header class="policy-head">
      <div>
        <nav aria-label="Breadcrumb" class="breadcrumb">
          <a href="/" onClick={linkTo(navigate, '/')}>
            Policies
          </a>{' '}
          / <span>{policy}</span>
        </nav>
        <h1>{title ?? policy}</h1>
      </div>
      {tabs && <PolicyTabs policy={policy} current={current} navigate={navigate} />}
      {children && <div class="policy-head-side">{children}</div>}
    </header>
  );
}

export function PolicyTabs({ policy, current, navigate }: { policy: string; current: PolicyTab; navigate(path: string): void }): JSX.Element {
  return (
    <nav class="policy-tabs" aria-label={`Screens of ${policy}`}>
      {TABS.map(({ tab, label }) => {
        const href = policyHref(policy, tab);
        return (
          <a key={tab} href={href} onClick={linkTo(navigate, href)} aria-current={tab === current ? 'page' : undefined}>
            {label}
          </a>
        );
      })}
    </nav>
  );
}

/** A decider key reads no policies: nothing on a policy's screens is for it. */
export function NotForRole({ role, policy, navigate }: { role: string; policy: string; navigate(path: string): void }): JSX.Element {
  return (
    <section class="page release">
      <PolicyHead policy={policy} current="edit" navigate={navigate} tabs={false} />
      <p>
        A <strong>{role}</strong> key can ask for decisions but cannot read policies, their schedule, their versions or their decisions. Sign in with an editor or viewer
        key to see them.
      </p>
    </section>
  );
}
