"""Running an instance safely: whole backups, restores, continuous replication off the machine."""
