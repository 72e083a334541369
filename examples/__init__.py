"""The sample ledger (installed as ``bot.sample_data``): customers, invoices, payments."""
