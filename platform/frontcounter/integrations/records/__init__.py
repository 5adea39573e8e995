"""Push cases to a force's records management system through an adapter the force chooses."""
