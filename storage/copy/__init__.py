"""`motcua store copy`: every table of one store copied into another, verified (storage/copy/)."""
