"""Clearing (清卡) on the store's side: the journal, the lock, the store's own totals of a
period. The flow that talks to the disk is ``devices.clearing``."""
