/** Who is asking: a member of a bank's collection staff, with the groups that decide what they may do. */

export const STAFF_GROUPS = ['collector', 'supervisor', 'legal', 'auditor', 'admin'] as const;
export type StaffGroup = (typeof STAFF_GROUPS)[number];

export interface StaffMember {
  readonly userId: string;
  readonly bankId: string;
  readonly groups: readonly StaffGroup[];
}

/** Staff of one bank never see another bank's cases, whatever their group. */
export function canReadCase(staff: StaffMember, caseBankId: string): boolean {
  return staff.bankId === caseBankId && staff.groups.length > 0;
}
