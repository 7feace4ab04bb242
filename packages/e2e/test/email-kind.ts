/** The kind of an order email, read from its subject. */
export function emailKind(subject: string): 'confirmed' | 'cancelled' | 'rejected' | 'delivered' | 'other' {
  if (/cancel/i.test(subject)) return 'cancelled';
  if (/reject|could not accept/i.test(subject)) return 'rejected';
  if (/deliver/i.test(subject)) return 'delivered';
  if (/confirm/i.test(subject)) return 'confirmed';
  return 'other';
}
