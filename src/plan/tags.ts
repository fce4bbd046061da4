/** How vlab marks what it owns. */

/** Interface alias of a lab's bridges, and iptables comment of its rules. */
export function labTag(lab: string): string {
  return `vlab:${lab}`;
}

/** The iptables `-m comment` arguments that tag a rule as the lab's. */
export function commentArgs(lab: string): string[] {
  return ['-m', 'comment', '--comment', labTag(lab)];
}

/** The comment of a guest's own key (its SSH host key): the lab's tag and the guest. */
export function guestTag(lab: string, guest: string): string {
  return `${labTag(lab)}/${guest}`;
}
