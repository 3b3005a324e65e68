from django.apps import AppConfig


class WalletsConfig(AppConfig):
    """Custody and accounting: wallets, the keystore, HD addresses and the ledger."""

    name = "wallets"
    label = "wallets"
    verbose_name = "Wallets and ledger"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Deposits are credited from the scanner's hook; outgoing transactions find their
        # signer by address through the keystore; their end settles wallet transfers and
        # books the network fee they burned (their ledger accounts locked first, in one
        # order) and records its split (transaction_costs).
        from lucid_payments.tron.hooks import transfer_subscribe_batch
        from lucid_payments.tron.outgoing.hooks import outgoing_lock_subscribe, outgoing_subscribe
        from lucid_payments.tron.signing import register_signer_source
        from wallets.deposits import deposits_on_transfers
        from wallets.events import register_wallet_event_types
        from wallets.outgoing_locks import ledger_lock_on_outgoing
        from wallets.signer import signer_for_address
        from wallets.transaction_costs import transaction_costs_on_outgoing
        from wallets.transfers import transfer_on_outgoing

        transfer_subscribe_batch(deposits_on_transfers)
        outgoing_lock_subscribe(ledger_lock_on_outgoing)
        outgoing_subscribe(transfer_on_outgoing)
        outgoing_subscribe(transaction_costs_on_outgoing)
        register_signer_source(signer_for_address)
        register_wallet_event_types()
