/** How vlab marks what it owns. */

/** Interface alias of a lab's bridges, and iptables comment of its rules. */
export function labTag(lab: string): string {
  return `vlab:${lab}`;
}

/** The iptables `-m comment` arguments that tag a rule as the lab's. */
export function commentArgs(lab: string): string[] {
  return ['-m', 'comment', '--comment', labTag(lab)];
}
