package formats

import (
	"github.com/klauspost/compress/s2"
	"github.com/parquet-go/parquet-go/format"
)

// fastSnappy is Parquet's SNAPPY codec with s2's fast Snappy-compatible
// encoder: parquet-go's own codec calls klauspost's snappy.Encode, which is
// s2's "better" mode, and compressing took a third of a steps-parquet
// export. The blocks are standard Snappy; any Parquet reader decodes them.
type fastSnappy struct{}

func (fastSnappy) String() string                            { return "SNAPPY" }
func (fastSnappy) CompressionCodec() format.CompressionCodec { return format.Snappy }
func (fastSnappy) Encode(dst, src []byte) ([]byte, error)    { return s2.EncodeSnappy(dst[:0], src), nil }
func (fastSnappy) Decode(dst, src []byte) ([]byte, error)    { return s2.Decode(dst[:0], src) }
