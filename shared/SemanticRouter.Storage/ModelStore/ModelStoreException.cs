namespace SemanticRouter.Storage.ModelStore;

/// <summary>A model could not be made available; the message names the model and, where it applies, the file.</summary>
public sealed class ModelStoreException : Exception
{
    public ModelStoreException()
    {
    }

    public ModelStoreException(string message)
        : base(message)
    {
    }

    public ModelStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ModelStoreException(string model, string? file, string message, Exception? innerException = null)
        : base(file is null ? $"Model '{model}': {message}" : $"Model '{model}' file '{file}': {message}", innerException)
    {
        Model = model;
        File = file;
    }

    public string? Model { get; }

    public string? File { get; }
}
