"""Bookings: slots with capacity, holds that expire, book, cancel and reschedule under rules."""
