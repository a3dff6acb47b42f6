"""Inside Excel: UDFs, buttons, the live-Excel adapter, macros and the .xlsm templates."""
