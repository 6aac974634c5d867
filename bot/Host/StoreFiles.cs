using SuccessBot.Storage;

namespace SuccessBot.Host;

/// <summary>What the host keeps on local disk beside its store: the read model's snapshot, the usage-event log's folder and the `backtest` verb's figures.</summary>
public sealed record StoreFiles(string Store)
{
    public string Snapshot => BookSnapshot.PathFor(Store);

    public string IngestLog => Store + ".ingest";

    public string Backtest => Store + ".backtest.json";
}
