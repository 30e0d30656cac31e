package hfdataset

import (
	"os"

	"github.com/parquet-go/parquet-go"
)

// parquetFeatures reads a Parquet file's top-level columns as features.
func parquetFeatures(path string) ([]feature, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		return nil, err
	}
	var out []feature
	for _, field := range pf.Schema().Fields() {
		out = append(out, feature{name: field.Name(), dtype: parquetDtype(field)})
	}
	return out, nil
}

// parquetDtype is the `datasets` dtype of a column.
func parquetDtype(n parquet.Node) string {
	if !n.Leaf() {
		return "struct"
	}
	switch n.Type().Kind() {
	case parquet.Boolean:
		return "bool"
	case parquet.Int32:
		return "int32"
	case parquet.Int64:
		return "int64"
	case parquet.Float:
		return "float32"
	case parquet.Double:
		return "float64"
	case parquet.ByteArray, parquet.FixedLenByteArray:
		if lt := n.Type().LogicalType(); lt != nil && lt.String() == "STRING" {
			return "string"
		}
		return "binary"
	}
	return "null"
}
