/** mmsim's slub module; its providers are found through ServiceLoader. */
module io.mmsim.slub {
  requires io.mmsim.api;
  requires org.slf4j;
  requires static com.google.auto.service;
}
