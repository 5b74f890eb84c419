using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace SemanticRouter.Functions.Quality;

/// <summary>
/// A small RGB raster with lines, markers and text, encoded as PNG (zlib from System.IO.Compression, CRC-32 from
/// System.IO.Hashing). Enough for a line chart; a plotting library would add a native graphics stack to every build
/// of the app for one report.
/// </summary>
internal sealed class PngCanvas
{
    private readonly byte[] _rgb;

    public PngCanvas(int width, int height)
    {
        Width = width;
        Height = height;
        _rgb = new byte[width * height * 3];
        Array.Fill(_rgb, (byte)255);
    }

    public int Width { get; }

    public int Height { get; }

    public void Blend(int x, int y, Rgb color, double alpha = 1)
    {
        if (x < 0 || y < 0 || x >= Width || y >= Height || alpha <= 0)
        {
            return;
        }

        var i = ((y * Width) + x) * 3;
        alpha = Math.Min(1, alpha);
        _rgb[i] = (byte)Math.Round((_rgb[i] * (1 - alpha)) + (color.R * alpha));
        _rgb[i + 1] = (byte)Math.Round((_rgb[i + 1] * (1 - alpha)) + (color.G * alpha));
        _rgb[i + 2] = (byte)Math.Round((_rgb[i + 2] * (1 - alpha)) + (color.B * alpha));
    }

    /// <summary>A line of the given width; <paramref name="dash"/> &gt; 0 draws dashes of that many pixels.</summary>
    public void Line(double x0, double y0, double x1, double y1, Rgb color, double width = 1, int dash = 0)
    {
        var length = Math.Max(Math.Abs(x1 - x0), Math.Abs(y1 - y0));
        var steps = Math.Max(1, (int)Math.Ceiling(length * 2));
        var r = width / 2;
        for (var s = 0; s <= steps; s++)
        {
            if (dash > 0 && (int)(s / 2.0 / dash) % 2 == 1)
            {
                continue;
            }

            var x = x0 + ((x1 - x0) * s / steps);
            var y = y0 + ((y1 - y0) * s / steps);
            Dot(x, y, r, color);
        }
    }

    /// <summary>A filled disc with a soft edge (radius in pixels).</summary>
    public void Dot(double cx, double cy, double radius, Rgb color)
    {
        var reach = (int)Math.Ceiling(radius + 1);
        for (var y = (int)cy - reach; y <= (int)cy + reach; y++)
        {
            for (var x = (int)cx - reach; x <= (int)cx + reach; x++)
            {
                var d = Math.Sqrt(((x - cx) * (x - cx)) + ((y - cy) * (y - cy)));
                var coverage = Math.Clamp(radius + 0.5 - d, 0, 1);
                if (coverage > 0)
                {
                    Blend(x, y, color, coverage);
                }
            }
        }
    }

    public void FillRect(int x, int y, int width, int height, Rgb color)
    {
        for (var j = y; j < y + height; j++)
        {
            for (var i = x; i < x + width; i++)
            {
                Blend(i, j, color);
            }
        }
    }

    /// <summary>Text with its top-left corner at (x, y); <paramref name="vertical"/> turns it 90° anticlockwise (reads upwards from (x, y)).</summary>
    public void Text(int x, int y, string text, Rgb color, bool vertical = false)
    {
        for (var c = 0; c < text.Length; c++)
        {
            for (var gy = 0; gy < PixelFont.Height; gy++)
            {
                for (var gx = 0; gx < PixelFont.Width; gx++)
                {
                    var coverage = PixelFont.Coverage(text[c], gx, gy);
                    if (coverage == 0)
                    {
                        continue;
                    }

                    var along = (c * PixelFont.Width) + gx;
                    if (vertical)
                    {
                        Blend(x + gy, y - along, color, coverage / 15.0);
                    }
                    else
                    {
                        Blend(x + along, y + gy, color, coverage / 15.0);
                    }
                }
            }
        }
    }

    public static int TextWidth(string text) => text.Length * PixelFont.Width;

    public byte[] EncodePng()
    {
        using var raw = new MemoryStream();
        using (var zlib = new ZLibStream(raw, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (var y = 0; y < Height; y++)
            {
                zlib.WriteByte(0); // filter: none
                zlib.Write(_rgb, y * Width * 3, Width * 3);
            }
        }

        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, Width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), Height);
        header[8] = 8; // bits per channel
        header[9] = 2; // truecolour RGB
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", raw.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        var typeAndData = new byte[4 + data.Length];
        for (var i = 0; i < 4; i++)
        {
            typeAndData[i] = (byte)type[i];
        }

        data.CopyTo(typeAndData, 4);
        png.Write(typeAndData);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32.HashToUInt32(typeAndData));
        png.Write(crc);
    }
}

/// <summary>An sRGB colour.</summary>
internal readonly record struct Rgb(byte R, byte G, byte B);
