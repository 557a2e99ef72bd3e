package cli

import (
	"context"

	"pakt/internal/output"
)

// runDownload fetches packages into the working directory
// (opkg_download_cmd): "Downloading <url>", then "Downloaded <name> as
// ./<file>.". A name no feed has is an error but exit 0, as in lede; a
// failed download exits 255.
func runDownload(ctx context.Context, inv *invocation, args []string) error {
	res, err := inv.engine.Download(ctx, args)
	if res != nil {
		inv.say(res.Messages)
		for _, d := range res.Downloads {
			inv.say(d.Messages)
		}
	}
	if err != nil {
		return err
	}
	if inv.options.json {
		doc := output.DownloadsDoc{MessageType: output.TypeDownloads, Downloads: []output.DownloadJSON{}}
		for _, d := range res.Downloads {
			j := output.DownloadJSON{Request: d.Request, Name: d.Name, Version: d.Version, URL: d.URL, Size: d.Size}
			switch {
			case !d.Found:
				j.Error = "no feed has a package called " + d.Request
			case d.Err != nil:
				j.Error = d.Err.Error()
			default:
				j.File = d.File
			}
			doc.Downloads = append(doc.Downloads, j)
		}
		if err := inv.writeJSON(doc); err != nil {
			return err
		}
	}
	if res.Failed {
		return &exitStatusError{status: exitFailure}
	}
	return nil
}
