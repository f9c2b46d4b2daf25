not json: only *.tf.json files are read
