"""The four dynamic ledgers (工作台账) and the regulation rules they apply."""
